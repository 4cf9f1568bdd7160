import { describe, expect, it } from 'vitest';
import { originOf, webOrigin } from './origin';

describe('origins', () => {
  it('normalises', () => {
    expect(originOf('https://PBX.example.com:443/x')).toBe('https://pbx.example.com');
    expect(originOf('https://[::1]:8443/a')).toBe('https://[::1]:8443');
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('not a url')).toBeNull();
    expect(originOf('myapps-launcher://Pages/connect.html')).toBe('myapps-launcher://pages');
    expect(webOrigin('myapps-launcher://pages/connect.html')).toBeNull();
    expect(webOrigin('HTTPS://PBX.example.com:443')).toBe('https://pbx.example.com');
    expect(webOrigin('https://user:pw@pbx.example.com/')).toBeNull();
    expect(webOrigin('null')).toBeNull();
  });
});
