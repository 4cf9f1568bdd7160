import { describe, expect, it } from 'vitest';
import { nativeHandleToNumber } from '../../electron/windows/ports';
import { x11Strut } from './edge-reservation';

describe('X11 edge reservation', () => {
  it('computes X11 strut values in root-window coordinates and refuses inner edges', () => {
    const w = Buffer.alloc(8, 1);
    const one = { x: 0, y: 0, width: 1920, height: 1080 };
    const two = { x: 1920, y: 0, width: 1280, height: 1024 };
    const root = { width: 3200, height: 1080 };
    expect(x11Strut({ window: w, edge: 'left', width: 420, display: one, displays: [one, two] }, root).partial).toEqual([420, 0, 0, 0, 0, 1079, 0, 0, 0, 0, 0, 0]);
    expect(x11Strut({ window: w, edge: 'right', width: 400, display: two, displays: [one, two] }, root)).toEqual({ partial: [0, 400, 0, 0, 0, 0, 0, 1023, 0, 0, 0, 0], legacy: [0, 400, 0, 0] });
    expect(() => x11Strut({ window: w, edge: 'right', width: 400, display: one, displays: [one, two] }, root)).toThrow(/borders another display/);
    expect(() => x11Strut({ window: w, edge: 'left', width: 400, display: two, displays: [one, two] }, root)).toThrow(expect.objectContaining({ code: 'inner-edge' }));
    // a monitor lower than its neighbour: below the neighbour the right edge is free
    const tall = { x: 1920, y: 0, width: 1280, height: 1400 };
    const short = { x: 0, y: 0, width: 1920, height: 1080 };
    expect(x11Strut({ window: w, edge: 'right', width: 400, display: tall, displays: [short, tall] }, { width: 3200, height: 1400 }).partial.slice(0, 8)).toEqual([0, 400, 0, 0, 0, 0, 0, 1399]);
    expect(() => x11Strut({ window: w, edge: 'left', width: 400, display: { x: 0, y: 0, width: 4000, height: 1000 }, displays: [] }, root)).toThrow(/outside the X screen/);
    expect(nativeHandleToNumber(Buffer.from([7, 0, 0, 0]))).toBe(7);
    expect(() => nativeHandleToNumber(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/out of range/);
  });
});
