// The panel's colours: an answer is coloured by what it means (meaning.ts), and every colour the
// panel puts on text reaches WCAG AA 4.5:1 on the theme's backgrounds (contrast.ts).
import assert from 'node:assert/strict';
import { AA_TEXT, contrast, over, parseColour, readable, toCss } from '../../../src/webview/contrast';
import { FACT_MEANING, markOf, toneOf } from '../../../src/report/meaning';

const c = (text: string) => {
  const v = parseColour(text);
  assert.ok(v, `cannot parse ${text}`);
  return v;
};

describe('report panel: colours by meaning', () => {
  it('"Carrier-grade NAT ✗ No" and "second NAT ✗ No" are good news, their yes is bad', () => {
    assert.equal(toneOf('cgnat', 'no'), 'good');
    assert.equal(toneOf('cgnat', 'yes'), 'bad');
    assert.equal(toneOf('doubleNat', 'no'), 'good');
    assert.equal(toneOf('doubleNat', 'yes'), 'bad');
  });

  it('UDP getting out, a VPN port getting through, a TURN allocation: yes is good, no is bad', () => {
    for (const fact of ['udp', 'portReachable', 'turnAllocated'] as const) {
      assert.equal(toneOf(fact, 'yes'), 'good', fact);
      assert.equal(toneOf(fact, 'no'), 'bad', fact);
    }
  });

  it('facts without a judgement are neutral both ways; "no" port preservation or hairpinning is not an error', () => {
    assert.deepEqual(FACT_MEANING.serverRfc5780, { yes: 'neutral', no: 'neutral' });
    assert.deepEqual(FACT_MEANING.portMappingProtocol, { yes: 'neutral', no: 'neutral' });
    assert.equal(toneOf('portPreservation', 'no'), 'neutral');
    assert.equal(toneOf('hairpinning', 'no'), 'neutral');
  });

  it('"could not tell" is the caution tone and "not applicable" muted, for every fact', () => {
    for (const fact of Object.keys(FACT_MEANING) as (keyof typeof FACT_MEANING)[]) {
      assert.equal(toneOf(fact, 'unknown'), 'unknown', fact);
      assert.equal(toneOf(fact, 'not-applicable'), 'na', fact);
    }
  });
});

describe('report panel: the mark beside an answer follows its meaning too', () => {
  it('"Carrier-grade NAT: No" is good news and wears ✓, not ✗; its yes wears ✗', () => {
    assert.equal(markOf(toneOf('cgnat', 'no')), '✓');
    assert.equal(markOf(toneOf('cgnat', 'yes')), '✗');
    assert.equal(markOf(toneOf('doubleNat', 'no')), '✓');
  });

  it('for every fact: ✓ only on good news, ✗ only on bad news, neither on a fact without a judgement', () => {
    for (const fact of Object.keys(FACT_MEANING) as (keyof typeof FACT_MEANING)[]) {
      for (const value of ['yes', 'no'] as const) {
        const tone = toneOf(fact, value);
        const mark = markOf(tone);
        assert.equal(mark === '✓', tone === 'good', `${fact} ${value}: ${tone} wears ${mark}`);
        assert.equal(mark === '✗', tone === 'bad', `${fact} ${value}: ${tone} wears ${mark}`);
      }
    }
    // "Keeps the local port: No" and "UPnP: No" are facts, not failures.
    assert.notEqual(markOf(toneOf('portPreservation', 'no')), '✗');
    assert.notEqual(markOf(toneOf('portMappingProtocol', 'no')), '✗');
  });

  it('"could not tell" wears ?, "not applicable" –', () => {
    assert.equal(markOf('unknown'), '?');
    assert.equal(markOf('na'), '–');
  });
});

describe('report panel: contrast (WCAG 2.2 relative luminance)', () => {
  it('parses what getComputedStyle returns: rgb(), rgba(), space syntax, color(srgb …), hex', () => {
    assert.deepEqual(c('rgb(191, 136, 3)'), { r: 191, g: 136, b: 3, a: 1 });
    assert.deepEqual(c('rgba(0, 0, 0, 0)'), { r: 0, g: 0, b: 0, a: 0 });
    assert.deepEqual(c('rgb(10 20 30 / 50%)'), { r: 10, g: 20, b: 30, a: 0.5 });
    const srgb = c('color(srgb 1 0.5 0 / 0.25)');
    assert.deepEqual([srgb.r, srgb.g, srgb.b, srgb.a], [255, 127.5, 0, 0.25]);
    assert.deepEqual(c('#BF8803'), { r: 191, g: 136, b: 3, a: 1 });
    assert.deepEqual(c('#fff'), { r: 255, g: 255, b: 255, a: 1 });
    assert.equal(parseColour('hsl(0 0% 0%)'), undefined);
    assert.equal(parseColour('rgb(1, 2)'), undefined);
  });

  it('the figures of the issue: amber #BF8803 on white is 3.1:1, red #F85149 3.35:1, black on white 21:1', () => {
    const white = c('#ffffff');
    assert.equal(contrast(c('#BF8803'), white).toFixed(1), '3.1');
    assert.equal(contrast(c('#F85149'), white).toFixed(2), '3.35');
    assert.equal(contrast(c('#000'), white), 21);
  });

  it('a failing colour is moved towards the text colour just far enough to pass on every background', () => {
    const white = c('#ffffff');
    const widget = c('#f8f8f8');
    const text = c('#3b3b3b');
    for (const token of ['#BF8803', '#F85149', '#73c991']) {
      const fixed = readable(c(token), [white, widget], text, AA_TEXT);
      const worst = Math.min(contrast(fixed, white), contrast(fixed, widget));
      assert.ok(worst >= AA_TEXT, `${token} → ${toCss(fixed)}: ${worst.toFixed(2)}`);
      assert.ok(worst < AA_TEXT + 0.2, `${token} moved further than needed (${worst.toFixed(2)})`);
    }
  });

  it('a colour that already passes is left as it is (dark theme red on #1f1f1f)', () => {
    const bg = c('#1f1f1f');
    assert.deepEqual(readable(c('#f48771'), [bg], c('#cccccc'), AA_TEXT), c('#f48771'));
  });

  it('when even the text colour fails, black or white (whichever contrasts more) is the target', () => {
    const grey = c('#777777');
    const fixed = readable(c('#888888'), [grey], c('#808080'), AA_TEXT);
    assert.ok(contrast(fixed, grey) >= AA_TEXT, toCss(fixed));
  });

  it('translucent colours are judged as painted over the background', () => {
    const white = c('#ffffff');
    assert.deepEqual(over(c('rgba(0, 0, 0, 0.5)'), white), { r: 127.5, g: 127.5, b: 127.5, a: 1 });
  });
});
