public enum ABMSyncInfo {}
