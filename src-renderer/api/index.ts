export { api, ApiClient, ApiError, toErrorBody } from './client';
export { HttpTransport, IpcTransport, pickTransport, type Transport } from './transport';
export { uploadFile, withUpload, UPLOAD_CHUNK_BYTES } from './upload';
export * from './types';
