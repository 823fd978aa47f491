/** Export / import of all lesson progress as a JSON file. */
import { useRef, useState } from 'react';
import { downloadText, exportProgress, importProgress } from './progress.ts';

export function ProgressFile({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');

  async function load(file: File) {
    const r = importProgress(await file.text());
    if (r.ok) {
      setMessage(`Imported progress for ${r.lessons} lesson${r.lessons === 1 ? '' : 's'}.`);
      onImported();
    } else setMessage(`Could not import ${file.name}: ${r.error}.`);
  }

  return (
    <span className="ss-progress-file">
      <button type="button" onClick={() => downloadText('stackscope-lesson-progress.json', exportProgress())}>
        Export progress
      </button>
      <button type="button" onClick={() => input.current?.click()}>
        Import progress…
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="Progress file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void load(f);
          e.target.value = '';
        }}
      />
      <span role="status" className="ss-muted">
        {message}
      </span>
    </span>
  );
}
