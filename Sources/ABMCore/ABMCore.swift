public enum ABMCoreInfo {}
