print("abmsync")
