/**
 * Enqueue one message: actor, args/kwargs as JSON (checked as you type; an invalid form sends
 * nothing), delay, priority and retry options. "Duplicate" on a message fills it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../ui/Button.tsx';
import { Field } from '../../ui/Field.tsx';
import { Panel } from '../../ui/Panel.tsx';
import { useActions, useAppStore } from '../../store/use-app-store.ts';
import type { EnqueueDraft } from '../../store/types.ts';
import { parseEnqueueForm, type FormErrors } from './parse-form.ts';

export function EnqueueForm() {
  const a = useActions();
  const draft = useAppStore((s) => s.ui.draft);
  const actorMap = useAppStore((s) => s.messages.actors);
  const actorInfo = useAppStore((s) => s.messages.actorInfo);
  // Actors the engine lists, plus any the journal has named (their queue from the journal).
  const actors = Object.entries({
    ...Object.fromEntries(Object.values(actorInfo).map((x) => [x.name, x.queue])),
    ...actorMap,
  }).sort();
  const mode = useAppStore((s) => s.clock.info?.mode ?? 'empty');
  const travelling = useAppStore((s) => s.timeTravel.cursor !== null);
  const [d, setD] = useState<EnqueueDraft>(draft);
  const [errors, setErrors] = useState<FormErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => setD(draft), [draft]);
  // One actor in the run: it is the one to send to.
  const only = actors.length === 1 ? actors[0]![0] : null;
  useEffect(() => {
    if (only !== null) setD((x) => (x.actor.trim() === '' ? { ...x, actor: only } : x));
  }, [only, draft]);

  const set = (k: keyof EnqueueDraft) => (e: { target: { value: string } }) => {
    const next = { ...d, [k]: e.target.value };
    setD(next);
    // The engine's refusal was about the form as it was.
    setServerError(null);
    // Inline validation of the JSON fields as you type.
    if (k === 'args' || k === 'kwargs') {
      const r = parseEnqueueForm(next);
      setErrors((old) => ({ ...old, [k]: r.ok ? undefined : r.errors[k] }));
    } else if (errors[k]) setErrors((old) => ({ ...old, [k]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = parseEnqueueForm(d);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setSending(true);
    const res = await a.enqueue(r.params);
    setSending(false);
    setServerError(res.ok ? null : `${res.error.code}: ${res.error.message}`);
  };

  const writable = (mode === 'scenario' || mode === 'module') && !travelling;
  const err = (k: keyof EnqueueDraft) => errors[k] ?? null;
  const queueOf = actors.find(([n]) => n === d.actor.trim())?.[1];
  const chosen = actorInfo[d.actor.trim()];
  /** The hint of an option field: what the chosen actor does when the field is left empty. */
  const actorDefault = (option: string): string => {
    if (!chosen) return "default: the actor's";
    const v = chosen.options[option];
    const shown = v === null ? (option === 'max_retries' ? 'forever' : 'none') : String(v);
    return `default: ${chosen.name}'s (${shown})`;
  };

  return (
    <div className="view view--enqueue">
      <Panel title="Enqueue a message" id="enqueue-title">
        {!writable ? (
          <p className="note">
            {travelling
              ? 'You are looking at the past: go back to live (L) to send a message.'
              : mode === 'inspect'
                ? 'This is a stored run, open for inspection only. Open a scenario to send messages.'
                : 'Nothing is loaded yet: open a scenario first.'}
          </p>
        ) : null}
        <form
          className="form"
          onSubmit={(e) => void submit(e)}
          noValidate
          data-testid="enqueue-form"
        >
          <Field
            label="Actor"
            htmlFor="f-actor"
            error={err('actor')}
            hint={queueOf ? `queue: ${queueOf}` : 'an actor of this run'}
          >
            <input
              id="f-actor"
              className="input"
              list="f-actors"
              value={d.actor}
              onChange={set('actor')}
              autoComplete="off"
              // N opens this view to type a message: start in its first field.
              autoFocus={writable}
            />
            <datalist id="f-actors">
              {actors.map(([n]) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </Field>
          <Field label="Label" htmlFor="f-label" hint="optional, shown instead of the id">
            <input id="f-label" className="input" value={d.label} onChange={set('label')} />
          </Field>
          <Field label="args (JSON array)" htmlFor="f-args" error={err('args')} wide>
            <textarea
              id="f-args"
              className="textarea textarea--code"
              rows={3}
              value={d.args}
              onChange={set('args')}
              spellCheck={false}
              aria-invalid={Boolean(errors.args)}
            />
          </Field>
          <Field label="kwargs (JSON object)" htmlFor="f-kwargs" error={err('kwargs')} wide>
            <textarea
              id="f-kwargs"
              className="textarea textarea--code"
              rows={3}
              value={d.kwargs}
              onChange={set('kwargs')}
              spellCheck={false}
              aria-invalid={Boolean(errors.kwargs)}
            />
          </Field>
          <Field
            label="Delay (ms)"
            htmlFor="f-delay"
            error={err('delayMs')}
            hint="waits in the delay queue"
          >
            <input
              id="f-delay"
              className="input"
              inputMode="numeric"
              value={d.delayMs}
              onChange={set('delayMs')}
              placeholder="0"
            />
          </Field>
          <Field
            label="Priority"
            htmlFor="f-priority"
            error={err('priority')}
            hint={
              chosen
                ? `broker_priority; actor priority ${chosen.priority}`
                : 'broker_priority option'
            }
          >
            <input
              id="f-priority"
              className="input"
              inputMode="numeric"
              value={d.priority}
              onChange={set('priority')}
              placeholder="actor's"
            />
          </Field>
          <Field
            label="max_retries"
            htmlFor="f-maxr"
            error={err('maxRetries')}
            hint={actorDefault('max_retries')}
          >
            <input
              id="f-maxr"
              className="input"
              inputMode="numeric"
              value={d.maxRetries}
              onChange={set('maxRetries')}
              placeholder="actor's"
            />
          </Field>
          <Field
            label="min_backoff (ms)"
            htmlFor="f-minb"
            error={err('minBackoffMs')}
            hint={actorDefault('min_backoff')}
          >
            <input
              id="f-minb"
              className="input"
              inputMode="numeric"
              value={d.minBackoffMs}
              onChange={set('minBackoffMs')}
              placeholder="actor's"
            />
          </Field>
          {serverError ? (
            <div className="field__error form__server" role="alert">
              {serverError}
            </div>
          ) : null}
          <div className="form__actions">
            <Button
              variant="primary"
              type="submit"
              disabled={sending || !writable}
              data-testid="send"
            >
              {sending ? 'Sending…' : 'Enqueue'}
            </Button>
            <Button
              variant="ghost"
              onClick={() => {
                setD({
                  ...draft,
                  actor: '',
                  args: '[]',
                  kwargs: '{}',
                  delayMs: '',
                  priority: '',
                  maxRetries: '',
                  minBackoffMs: '',
                  label: '',
                });
                setErrors({});
                setServerError(null);
              }}
            >
              Clear
            </Button>
          </div>
        </form>
      </Panel>
    </div>
  );
}
