import type { DocumentNode } from 'graphql';

/**
 * Heap a parsed document takes per character of its source, measured here with graphql 16
 * (`parse(…, { noLocation: true })` of the README's example query, 2,000 copies: 20.5 bytes),
 * plus the key text itself (2 bytes per UTF-16 unit).
 */
export const HEAP_BYTES_PER_SOURCE_CHAR = 22;

/** Default bound of a ParsedDocumentCache: 8 MiB of estimated heap, ~700 documents the size of the README's example. */
export const DEFAULT_PARSED_DOCUMENT_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * Parsed documents by their source text, least recently used out first, bounded by the heap
 * they are estimated to take — not by a count, since one 64 KiB document weighs as much as a
 * hundred small ones. Lets the limits guard judge a known document without lexing or parsing it.
 */
export class ParsedDocumentCache {
  private readonly entries = new Map<string, DocumentNode>();
  private bytes = 0;

  constructor(readonly maxBytes = DEFAULT_PARSED_DOCUMENT_CACHE_BYTES) {}

  get(source: string): DocumentNode | undefined {
    const doc = this.entries.get(source);
    if (doc) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(source);
      this.entries.set(source, doc);
    }
    return doc;
  }

  set(source: string, document: DocumentNode): void {
    const weight = source.length * HEAP_BYTES_PER_SOURCE_CHAR;
    if (weight > this.maxBytes) return;
    if (this.entries.delete(source)) this.bytes -= weight;
    this.entries.set(source, document);
    this.bytes += weight;
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= key.length * HEAP_BYTES_PER_SOURCE_CHAR;
    }
  }

  get size() {
    return this.entries.size;
  }

  /** Estimated heap held, bytes. */
  get heldBytes() {
    return this.bytes;
  }
}
