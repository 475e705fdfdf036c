// Where a store lives, for the shells: the default store URL and how a URL is
// shown with its password removed. Re-exported from store/ because this is the
// door: shells name stores by URL and never open one themselves.

export { DEFAULT_STORE_URL, redactUrl } from '../store/open.js';
export { BackupError, initStore, removeDemoStore, requireStore, StoreLifecycleError, storeExists, type BackupSummary } from '../store/lifecycle.js';
export { backupStore, restoreStore } from '../store/backup.js';
