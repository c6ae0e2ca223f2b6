// Private: text widths in DejaVu Sans for vega's layout (vega's own fallback without a
// canvas guesses 0.8 em per character, which leaves big gaps and misplaces titles).

/** Advance widths [em] of DejaVu Sans for the characters U+0020…U+007E. */
// deno-fmt-ignore
const _ASCII: readonly number[] = [
  0.3179, 0.4009, 0.46, 0.8379, 0.6362, 0.9502, 0.7798, 0.2749, 0.3901, 0.3901,
  0.5, 0.8379, 0.3179, 0.3608, 0.3179, 0.3369, 0.6362, 0.6362, 0.6362, 0.6362,
  0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.3369, 0.3369, 0.8379, 0.8379,
  0.8379, 0.5308, 1.0, 0.6841, 0.686, 0.6982, 0.77, 0.6318, 0.5752, 0.7749,
  0.752, 0.2949, 0.2949, 0.6558, 0.5571, 0.8628, 0.748, 0.7871, 0.603, 0.7871,
  0.6948, 0.6348, 0.6108, 0.7319, 0.6841, 0.9888, 0.6851, 0.6108, 0.6851, 0.3901,
  0.3369, 0.3901, 0.8379, 0.5, 0.5, 0.6128, 0.6348, 0.5498, 0.6348, 0.6152,
  0.3521, 0.6348, 0.6338, 0.2778, 0.2778, 0.5791, 0.2778, 0.9741, 0.6338, 0.6118,
  0.6348, 0.6348, 0.4111, 0.521, 0.3921, 0.6338, 0.5918, 0.8179, 0.5918, 0.5918,
  0.5249, 0.6362, 0.3369, 0.6362, 0.8379,
];

/** Advance widths [em] of DejaVu Sans for non-ASCII characters used in axis titles. */
const _EXTRA: Readonly<Record<string, number>> = {
  "⁻": 0.5278,
  "⁰": 0.4009,
  "¹": 0.4009,
  "²": 0.4009,
  "³": 0.4009,
  "⁴": 0.4009,
  "⁵": 0.4009,
  "⁶": 0.4009,
  "⁷": 0.4009,
  "⁸": 0.4009,
  "⁹": 0.4009,
  "₀": 0.4009,
  "₁": 0.4009,
  "₂": 0.4009,
  "₃": 0.4009,
  "Å": 0.6841,
  "α": 0.6592,
  "−": 0.8379,
  "σ": 0.6338,
  "±": 0.8379,
  "×": 0.8379,
  "·": 0.3179,
  "°": 0.5,
  "µ": 0.6362,
  "ν": 0.5586,
  "λ": 0.5918,
  "τ": 0.6021,
  "θ": 0.6118,
};

/** Width [em] assumed for other characters (DejaVu's typical lowercase/digit width). */
const _DEFAULT_EM = 0.62;

/** Bold DejaVu Sans is about 9 % wider than regular. */
const _BOLD = 1.09;

/** Width in px of `text` in DejaVu Sans at `fontSize` px (bold when `bold`). */
export function _dejavuWidth(
  text: string,
  fontSize: number,
  bold: boolean,
): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    em += c >= 32 && c < 127 ? _ASCII[c - 32]! : _EXTRA[ch] ?? _DEFAULT_EM;
  }
  return em * fontSize * (bold ? _BOLD : 1);
}
