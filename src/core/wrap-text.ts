/**
 * Word wrapping for terminal output that must fit a width (audit: 80 columns). Pure. Widths are
 * counted in code points (no East Asian wide characters in what audit prints: names, ARNs, codes).
 * A word longer than the width is cut, never left to overflow; runs of spaces collapse to one.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width - [...indent].length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter((part) => part !== '')) {
    let rest = [...word];
    if (line !== '' && [...line].length + 1 + rest.length <= room) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    while (rest.length > room) {
      lines.push(rest.slice(0, room).join(''));
      rest = rest.slice(room);
    }
    line = rest.join('');
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.map((part) => `${indent}${part}`);
}
