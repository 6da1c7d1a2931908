/**
 * How much note history is kept (docs/notes.md "History"): the newest `VERSIONS_KEPT_PER_NOTE`
 * earlier versions of each note, each for `VERSION_MAX_AGE_DAYS` after it was replaced. With
 * the notes quota this bounds an account's history: at most QUOTA_NOTES × 50 versions, each no
 * larger than a note (100 KB of content).
 */
export const VERSIONS_KEPT_PER_NOTE = 50;
export const VERSION_MAX_AGE_DAYS = 90;
