// A component that uses every host service and shows the result, for provider and app tests.
import { useState } from 'react';
import { useHostState } from '../sdk/PanelHostProvider.tsx';

export function Probe() {
  const { host, theme } = useHostState();
  const [result, setResult] = useState('');
  return (
    <div>
      <p>host: {host.kind}</p>
      <p>theme: {theme}</p>
      <button
        type="button"
        onClick={async () =>
          setResult(
            String(
              await host.confirm({
                title: 'Delete everything?',
                description: 'This cannot be undone.',
                okText: 'Delete',
                cancelText: 'Keep',
              }),
            ),
          )
        }
      >
        confirm
      </button>
      <button
        type="button"
        onClick={() => host.notify('Saved', { link: { url: 'https://x.test/1', label: 'Open' } })}
      >
        notify
      </button>
      <button
        type="button"
        onClick={async () => {
          const [a, b] = await Promise.all([host.getSignedToken(), host.getSignedToken()]);
          setResult(`${a} ${b}`);
        }}
      >
        token
      </button>
      <p data-testid="result">{result}</p>
    </div>
  );
}
