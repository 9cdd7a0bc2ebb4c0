/**
 * The assembly editor: a plain textarea (the text is never interpreted as HTML) over a backdrop that marks
 * the line with an error, with the assembler's message right under that line.
 */
import { useRef, useState } from 'react';
import { useStore } from '../store.ts';

const LINE_HEIGHT = 18;

export function Editor() {
  const text = useStore((s) => s.programText);
  const errors = useStore((s) => s.asmErrors);
  const loadError = useStore((s) => s.loadError);
  const setText = useStore((s) => s.setProgramText);
  const load = useStore((s) => s.load);
  const loadElf = useStore((s) => s.loadElf);
  const [scrollTop, setScrollTop] = useState(0);
  const fileRef = useRef<HTMLInputElement>(null);
  const error = errors[0];
  const errorLine = error?.line ?? null;
  return (
    <section className="panel editor" aria-labelledby="editor-title">
      <header className="panel-head">
        <h2 id="editor-title">Program</h2>
        <div className="row-tools">
          <button type="button" onClick={load}>Assemble and load</button>
          <button type="button" onClick={() => fileRef.current?.click()}>Upload ELF…</button>
          <input
            ref={fileRef} type="file" hidden aria-label="Upload a static AArch64 ELF" data-testid="elf-upload"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) loadElf(f.name, await f.arrayBuffer());
              e.target.value = '';
            }}
          />
        </div>
      </header>
      <div className="code-wrap">
        <div className="code-backdrop mono" aria-hidden="true" style={{ transform: `translateY(${-scrollTop}px)` }}>
          {errorLine !== null && <div className="error-line" style={{ top: (errorLine - 1) * LINE_HEIGHT + 6, height: LINE_HEIGHT }} />}
          {errorLine !== null && error && (
            <div className="error-inline" style={{ top: (errorLine - 1) * LINE_HEIGHT + 6 }}>{error.message}</div>
          )}
        </div>
        <textarea
          className="code mono" value={text} spellCheck={false} aria-label="Assembly program" aria-invalid={errors.length > 0}
          aria-describedby={errors.length ? 'asm-error' : undefined} style={{ lineHeight: `${LINE_HEIGHT}px` }}
          onChange={(e) => setText(e.target.value)} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) load();
          }}
        />
      </div>
      {error && <p id="asm-error" className="error" role="alert" data-testid="asm-error">{error.line !== null ? `Line ${error.line}: ` : ''}{error.message.replace(/^line \d+: /, '')}</p>}
      {loadError?.where === 'elf' && <p className="error" role="alert" data-testid="elf-error">{loadError.message}</p>}
      <p className="muted">Ctrl+Enter assembles and loads. The program is kept in the page address and in this browser.</p>
    </section>
  );
}
