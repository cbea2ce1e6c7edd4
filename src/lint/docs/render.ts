import { ENGLISH_LABELS, type DocLabels, type KeyDoc } from './types';

/** Text from our own tables only; `<` and `>` outside code spans are escaped so nothing reads as HTML. */
function inline(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/**
 * Markdown for a hover or a completion item's documentation: name and tags, what it does, default,
 * values, notes, source. Built only from the doc, never from the user's text.
 */
export function renderDocMarkdown(doc: KeyDoc, labels: DocLabels = ENGLISH_LABELS): string {
  const title = [`**\`${doc.name}\`**`, ...doc.tags.map(inline)].join(' · ');
  const parts = [
    title,
    inline(doc.summary),
    `**${labels.defaultValue}:** ${inline(doc.defaultValue)}`,
    `**${labels.values}:** ${inline(doc.values)}`,
    ...doc.notes.map(inline),
    `*${labels.source}:* ${inline(doc.source)}`,
  ];
  return parts.join('\n\n');
}
