/**
 * Browser mode speaks the API contract over HTTP on 127.0.0.1:
 * - POST `${API_PREFIX}<method>` with the JSON arguments; header `${TOKEN_HEADER}: <token>`.
 *   Answers 200 `{ ok: true, result }` or 4xx/5xx `{ ok: false, error: { code, message } }`.
 * - GET `${EVENTS_PATH}?token=<token>`: Server-Sent Events, one ApiEvent JSON per `data:` line
 *   (EventSource cannot send headers, hence the query parameter).
 * The per-launch token reaches the page in the URL fragment (`#token=...`), which browsers never send to
 * servers or put in Referer headers; the page keeps it in sessionStorage and strips it from the address bar.
 */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
export const TOKEN_HEADER = 'x-pdm-token';
export const TOKEN_FRAGMENT_KEY = 'token';

export type WebResponse<T> =
  | { readonly ok: true; readonly result: T }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };
