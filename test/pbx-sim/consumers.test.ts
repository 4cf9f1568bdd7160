/**
 * How the stand-in web client names its apps' consumers on the bus and what its provider apps see
 * of bus consumers (www/APPCLIENT/consumers.js, plain browser JS), run in a Node vm context as the
 * browser runs it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

interface ConsumersLib {
  consumerId(app: string, user: string, hex: string): string;
  toApp(consumer: string, client: string | undefined, own: string): string;
  fromApp(key: string, own: string): { consumer: string; client?: string };
}

function load(): ConsumersLib {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'www', 'APPCLIENT', 'consumers.js');
  const sandbox: { pbxSimConsumers?: ConsumersLib } = {};
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file });
  return sandbox.pbxSimConsumers!;
}

describe('pbx-sim web client: consumers on the bus', () => {
  const lib = load();
  const OWN = '@client-11111111-2222-3333-4444-555555555555';
  const OTHER = '@client-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

  it('gives apps consumer ids of the published form dev:<app>_<user>_<hex>', () => {
    expect(lib.consumerId('softphone', 'atlantis', '5e42e884')).toBe('dev:softphone_atlantis_5e42e884');
    expect(lib.consumerId('my app', 'bob@example.com', '00ff00ff')).toBe('dev:my_app_bob_example.com_00ff00ff');
    expect(lib.consumerId('phone', '', '01234567')).toBe('dev:phone_user_01234567');
  });

  it('a provider app sees one opaque consumer that leads its result back to the right place', () => {
    const cases: [string, string | undefined][] = [
      ['@local-8125d22e37-519d-4056-bfe5-c52ef2ae8fab', undefined], // a launcher module (hot keys, links)
      ['dev:chat_atlantis_0a0b0c0d', OWN], // another app of this web client
      ['dev:SwPh_zkl_5e42e884', OTHER], // an app of another web client on the same bus
      ['x|y', OTHER],
    ];
    for (const [consumer, client] of cases) {
      const key = lib.toApp(consumer, client, OWN);
      expect(lib.fromApp(key, OWN)).toEqual(client ? { consumer, client } : { consumer });
    }
    expect(lib.toApp('dev:chat_atlantis_0a0b0c0d', OWN, OWN)).toBe('dev:chat_atlantis_0a0b0c0d');
    expect(lib.toApp('dev:SwPh_zkl_5e42e884', OTHER, OWN)).toBe(`${OTHER}|dev:SwPh_zkl_5e42e884`);
    // without a bus (plain browser) the apps of the page talk among themselves
    expect(lib.fromApp('dev:chat_atlantis_0a0b0c0d', '')).toEqual({ consumer: 'dev:chat_atlantis_0a0b0c0d' });
  });
});
