/**
 * The largest file an import takes. On its own so the upload bookkeeping (api/files.ts), which every process
 * loads, can check it without loading the CSV and XLSX readers (papaparse) that only an import needs.
 */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
