// The only links Porthole opens: http(s) to this machine. A page (or a compromised renderer) must
// not be able to make the app open arbitrary URLs, file:// paths or custom protocol handlers.
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127(?:\.\d{1,3}){3}$/.test(host) && host.split('.').every((o) => Number(o) <= 255);
}
