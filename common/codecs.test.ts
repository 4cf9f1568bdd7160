import { describe, expect, it } from 'vitest';
import { CoderNameSchema } from './media';
import { coderName, coderOfMime, CODER_RTP, sdpCodecName } from './codecs';

describe('codec table', () => {
  it('maps every coder to its RTP name and back (SDP and WebRTC MIME types)', () => {
    for (const coder of CoderNameSchema.options) {
      const back = coder === 'OPUS-NB' ? 'OPUS-WB' : coder; // told apart by maxplaybackrate only
      expect(coderName(sdpCodecName(coder), coder === 'DTMF' ? 8000 : 48000)).toBe(back);
      expect(coderOfMime(`${CODER_RTP[coder].kind}/${sdpCodecName(coder)}`)).toBe(back);
    }
    expect(coderName('opus', 48000, 'maxplaybackrate=8000;sprop-maxcapturerate=8000')).toBe('OPUS-NB');
    expect(coderOfMime('audio/opus', 48000, 'minptime=10;maxplaybackrate=8000')).toBe('OPUS-NB');
    expect(coderName('telephone-event', 44100)).toBeUndefined();
    expect(coderOfMime('video/red')).toBeUndefined(); // video RED is not the audio RED we know
    expect(coderName('iLBC', 8000)).toBeUndefined();
  });
});
