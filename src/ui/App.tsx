import { useEffect } from 'react';
import { useStore } from './store.ts';
import { Controls } from './views/Controls.tsx';
import { Disassembly } from './views/Disassembly.tsx';
import { Editor } from './views/Editor.tsx';
import { EventLog } from './views/EventLog.tsx';
import { Gallery } from './views/Gallery.tsx';
import { Heatmap } from './views/Heatmap.tsx';
import { MappingTable } from './views/MappingTable.tsx';
import { PointerInspector } from './views/PointerInspector.tsx';
import { Registers } from './views/Registers.tsx';
import { Notice, OpenDialog, ShareTools } from './views/Sharing.tsx';
import { Tour, VIEW_PANEL } from './views/Tour.tsx';

function EngineError() {
  const error = useStore((s) => s.engineError);
  const restart = useStore((s) => s.restartEngine);
  if (!error) return null;
  return (
    <div className="banner error" role="alert" data-testid="engine-error">
      <span>{error}</span> <button type="button" onClick={restart}>Restart the engine</button>{' '}
      It reopens the scenario where it was, with the same selection; the program in the editor is kept.
    </div>
  );
}

export function App() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const presenter = useStore((s) => s.presenter);
  const focus = useStore((s) => (s.tourStep === null ? undefined : VIEW_PANEL[s.base.steps[s.tourStep]?.view ?? '']));
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.classList.toggle('presenting', presenter);
  }, [theme, presenter]);
  return (
    <>
      <header className="top">
        <h1>Tagscope</h1>
        <p className="muted">Arm Memory Tagging Extension, granule by granule</p>
        <ShareTools />
        <button type="button" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <EngineError />
      <Notice />
      <OpenDialog />
      <Gallery />
      <Tour />
      <Controls />
      <main className="grid" data-focus={focus}>
        <Heatmap />
        <PointerInspector />
        <EventLog />
        <Registers />
        <Disassembly />
        <Editor />
        <MappingTable />
      </main>
    </>
  );
}
