import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { OriginAllowList } from './origins';
import { MAX_APP_ORIGINS, trackAppOrigins } from './app-origins';
import type { AppFrameSource, FrameNavigation } from './ports';

const PBX = 'https://pbx.example.com';
const APPS = 'https://apps.example.com:8443';

function frameSource() {
  const nav = new Set<(n: FrameNavigation) => void>();
  const gone = new Set<(id: string) => void>();
  const src: AppFrameSource = {
    onNavigation: (cb) => { nav.add(cb); return () => nav.delete(cb); },
    onGone: (cb) => { gone.add(cb); return () => gone.delete(cb); },
  };
  return {
    src,
    navigate: (id: string, url: string, parent: FrameNavigation['parent']) => nav.forEach((cb) => cb({ id, url, parent })),
    gone: (id: string) => gone.forEach((cb) => cb(id)),
    listeners: () => nav.size + gone.size,
  };
}
const underWebClient = { origin: PBX, top: true };

describe('app origins on the bus allow-list', () => {
  it('allows the origin of an app frame of the web client while one shows it, and only that', () => {
    const origins = new OriginAllowList([PBX]);
    const f = frameSource();
    let pbx: string | undefined = PBX;
    const t = trackAppOrigins({ origins, frames: f.src, pbxOrigin: () => pbx, logger: memoryLogger() });
    f.navigate('top', `${PBX}/PBX0/APPCLIENT/appclient.htm`, null);
    expect(origins.list()).toEqual([PBX]);
    f.navigate('1', `${APPS}/PBX0/APPS/phone.htm?x=1`, underWebClient);
    f.navigate('2', 'https://APPS.example.com:8443/PBX0/APPS/chat.htm', underWebClient);
    expect(origins.has(APPS)).toBe(true);
    expect(t.list()).toEqual([APPS]);
    // an app of the PBX origin adds nothing; what an app embeds is not an app; nor a page elsewhere
    f.navigate('3', `${PBX}/PBX0/APPS/notes.htm`, underWebClient);
    f.navigate('4', 'https://ads.example.net/x.htm', { origin: APPS, top: false });
    f.navigate('5', 'https://evil.example.net/', { origin: 'https://other.example.org', top: true });
    f.navigate('6', 'about:blank', underWebClient);
    expect(origins.list().sort()).toEqual([APPS, PBX].sort());
    // the apps go away one by one: the origin stays until the last one is gone
    f.gone('1');
    expect(origins.has(APPS)).toBe(true);
    f.navigate('2', 'https://elsewhere.example.org/', { origin: PBX, top: true });
    expect(origins.has(APPS)).toBe(false);
    expect(origins.has('https://elsewhere.example.org')).toBe(true);
    f.navigate('2', 'data:text/html,x', underWebClient);
    expect(origins.list()).toEqual([PBX]);
    // another PBX: the frames of the old web client do not count
    f.navigate('7', `${APPS}/a.htm`, underWebClient);
    pbx = 'https://pbx2.example.com';
    origins.set([pbx]);
    t.resync();
    expect(origins.list()).toEqual([pbx]);
    t.close();
    expect(f.listeners()).toBe(0);
  });

  it('puts an app origin back when the list is replaced, and never removes the PBX origin', () => {
    const origins = new OriginAllowList([PBX]);
    const f = frameSource();
    let pbx = PBX;
    const t = trackAppOrigins({ origins, frames: f.src, pbxOrigin: () => pbx, logger: memoryLogger() });
    f.navigate('1', `${APPS}/a.htm`, underWebClient);
    origins.set([PBX]);
    t.resync();
    expect(origins.has(APPS)).toBe(true);
    // the apps origin becomes the PBX: no longer counted, but not removed from the list
    pbx = APPS;
    t.resync();
    expect(origins.has(APPS)).toBe(true);
    expect(t.list()).toEqual([]);
    t.close();
  });

  it('caps the number of app origins', () => {
    const origins = new OriginAllowList([PBX]);
    const f = frameSource();
    const logger = memoryLogger();
    const t = trackAppOrigins({ origins, frames: f.src, pbxOrigin: () => PBX, logger });
    for (let i = 0; i < MAX_APP_ORIGINS + 5; i++) f.navigate(`f${i}`, `https://app${i}.example.com/`, underWebClient);
    expect(t.list()).toHaveLength(MAX_APP_ORIGINS);
    expect(logger.lines.some((l) => /more than the limit/.test(l.message))).toBe(true);
    t.close();
    expect(origins.list()).toEqual([PBX]);
  });
});
