/**
 * Preflight: fetch the web client URL through Node's network stack (proxy-aware, certificate
 * checked) before handing it to the browser window, so that DNS/refused/timeout/certificate/HTTP
 * failures are classified precisely. Used by the tests and optionally by the product.
 */
import { failureFromNetworkError } from './flow';
import { makeFailure, type ConnectFailure } from '../../common/connect-failure';
import { httpsGet, type HttpsGetOptions } from './net';
import type { CertificateInfo } from './certificates';

export type PreflightResult =
  | { ok: true; status: number; certificate: CertificateInfo; pinned: boolean; viaProxy: boolean }
  | { ok: false; failure: ConnectFailure };

export async function preflight(url: string, opts: HttpsGetOptions): Promise<PreflightResult> {
  try {
    const res = await httpsGet(url, { maxBodyBytes: 64 * 1024, ...opts });
    if (res.status >= 400) {
      return { ok: false, failure: makeFailure('http', url, { status: res.status, message: `The server answered ${res.status} for ${new URL(url).pathname}. Check the server string (e.g. the /PBX0-n module).` }) };
    }
    return { ok: true, status: res.status, certificate: res.certificate, pinned: res.pinned, viaProxy: res.route.kind !== 'direct' };
  } catch (err) {
    return { ok: false, failure: failureFromNetworkError(err, url) };
  }
}
