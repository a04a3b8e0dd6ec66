public enum ABMSyncInfo {
    public static var policyTemplate: String { String(decoding: PackageResources.abmsync_yaml, as: UTF8.self) }
}
