/** Toasts, newest last: errors carry their code. */
import { Toast } from '../../ui/Toast.tsx';
import { useActions, useAppStore } from '../../store/use-app-store.ts';

export function Toasts() {
  const toasts = useAppStore((s) => s.ui.toasts);
  const a = useActions();
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <Toast
          key={t.id}
          kind={t.kind}
          code={t.code}
          message={t.message}
          onClose={() => a.dismissToast(t.id)}
        />
      ))}
    </div>
  );
}
