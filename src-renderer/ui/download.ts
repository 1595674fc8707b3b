import type { ExportedFile } from '../api';

/** Saves a file the registry sent as base64, the way a browser saves any download (a Blob and an <a download>). */
export function saveExportedFile(file: ExportedFile): void {
  const binary = atob(file.dataBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Long enough for the browser (or the desktop's save dialog) to have taken the bytes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
