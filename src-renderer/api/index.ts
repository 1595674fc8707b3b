export { api, ApiClient, ApiError, toErrorBody } from './client';
export { HttpTransport, IpcTransport, pickTransport, type Transport } from './transport';
export * from './types';
