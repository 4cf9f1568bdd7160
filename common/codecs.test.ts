import { describe, expect, it } from 'vitest';
import { CoderNameSchema } from './media';
import { coderName, coderOfMime, CODERS } from './codecs';

describe('codec table', () => {
  it('maps every coder Chromium can use to its RTP name and back (SDP and WebRTC MIME types)', () => {
    for (const coder of CoderNameSchema.options.filter((c) => CODERS[c].chromium)) {
      const back = coder === 'OPUS-NB' ? 'OPUS-WB' : coder; // told apart by maxplaybackrate only
      expect(coderName(CODERS[coder].sdp, coder === 'DTMF' ? 8000 : 48000)).toBe(back);
      expect(coderOfMime(`${CODERS[coder].media}/${CODERS[coder].sdp}`)).toBe(back);
    }
    expect(coderName('opus', 48000, 'maxplaybackrate=8000;sprop-maxcapturerate=8000')).toBe('OPUS-NB');
    expect(coderOfMime('audio/opus', 48000, 'minptime=10;maxplaybackrate=8000')).toBe('OPUS-NB');
    expect(coderOfMime('audio/opus', 48000, 'minptime=10;useinbandfec=1')).toBe('OPUS-WB');
    expect(coderOfMime('audio/telephone-event', 8000)).toBe('DTMF');
    expect(coderOfMime('video/AV1', 90000)).toBeUndefined();
    expect(coderName('telephone-event', 44100)).toBeUndefined();
    expect(coderOfMime('video/red')).toBeUndefined(); // video RED is not the audio RED we know
    expect(coderName('iLBC', 8000)).toBeUndefined();
    // Published coders Chromium cannot use have an SDP name but are never what an SDP codec maps to.
    expect(CODERS.G729.sdp).toBe('G729');
    expect(coderName('G729', 8000)).toBeUndefined();
  });
});
