import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const REPO = path.join(__dirname, '..', '..');

/** The folder of the README's runnable blocks, one file each (examples/readme/README.md). */
export const EXAMPLES = path.join(REPO, 'examples', 'readme');

/** One fenced code block of a Markdown text. */
export interface CodeBlock {
  /** The info string after the fence (`sh`, `js`, …; '' when none). */
  lang: string;
  /** The block's text, with the indentation of its fence removed; ends with a newline. */
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** Every fenced (```) code block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1] ?? '';
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^${indent}\`\`\`\\s*$`).test(lines[j] ?? ''); j++) {
      const line = lines[j] ?? '';
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    blocks.push({ lang: open[2] ?? '', text: body.map((l) => `${l}\n`).join(''), line: i + 1 });
    i = j;
  }
  return blocks;
}

/** The README's code blocks. */
export function readmeBlocks(): CodeBlock[] {
  return codeBlocks(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
}

/** The text of a file of examples/readme/. */
export function example(name: string): string {
  return readFileSync(path.join(EXAMPLES, name), 'utf8');
}

/** `text` addressing the gateway at `url` instead of the reader's http://localhost:9000 or http://gateway:9000. */
export function atGateway(text: string, url: string): string {
  return text.replace(/http:\/\/(localhost|gateway):9000/g, url);
}
