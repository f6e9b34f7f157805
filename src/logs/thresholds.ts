// The sizes at which a log run starts extra threads, in a module of their own: the CLI's prestart
// (./isolate.ts) decides with them before the heavy ingest modules load, and ingest decides with the same.

/** Logs at least this large (in all) run isolated in a capped worker; smaller ones are not worth its start-up. */
export const ISOLATE_BYTES = 64 * 1024 * 1024;

/**
 * Files at least this large (on disk) are read in a thread of their own (readLinesThreaded in ./read.ts);
 * below it the thread's start-up costs about what it saves.
 */
export const READER_THREAD_BYTES = 32 * 1024 * 1024;
