export { api, ApiClient, ApiError, toErrorBody } from './client';
export { HttpTransport, IpcTransport, pickTransport, type Transport } from './transport';
export { uploadFile, UPLOAD_CHUNK_BYTES } from './upload';
export * from './types';
