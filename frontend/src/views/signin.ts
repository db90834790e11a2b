// Sign-in: username and password, then the second factor (authenticator code,
// or a backup code instead).

import { ApiError, type MfaMethod } from '../api.js';
import { isPlausibleBackupCode, isValidTotp, normaliseBackupCode, normaliseTotp } from '../codes.js';
import { fill, h, uid } from '../dom.js';
import { icon } from '../icons.js';
import { loader, settle } from '../load.js';
import { describeError, retryWait } from '../messages.js';
import { strings } from '../strings.js';
import { markBusy, withBusy } from '../ui.js';
import type { Handoff, SignInNotice, SignInProgress, ViewContext } from './context.js';
import { TOTP_INPUT } from './widgets.js';

interface Field {
  wrapper: HTMLDivElement;
  input: HTMLInputElement;
}

function field(
  label: string,
  attrs: Record<string, string | boolean>,
  errorId: string,
  hint?: string,
): Field {
  const id = uid('field');
  const hintId = hint ? `${id}-hint` : null;
  const input = h('input', {
    id,
    ...attrs,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
  });
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint && hintId ? h('p', { id: hintId, class: 'field-hint' }, hint) : null,
    input,
  );
  return { wrapper, input };
}

/** 429 locked at the password step: sign-in waits after too many wrong passwords. */
function passwordLocked(error: unknown): string {
  const wait = retryWait(error);
  return wait === null ? strings().signIn.passwordLocked : strings().signIn.passwordLockedFor(wait);
}

/**
 * A sign-in for something other than the account page: a tenant application's, which
 * the page then completes (views/authorize.ts). Its words are asked for at each drawing.
 */
export interface SignInPurpose {
  /** The heading and the window's title ("Sign in to Shop"). */
  title(): string;
  intro(): string;
  /** Under each step, e.g. the way back to the application. */
  links(): Node | null;
  /** Instead of going to the account page. */
  signedIn(): void;
}

export function renderSignIn(ctx: ViewContext, root: HTMLElement, handoff: Handoff, purpose?: SignInPurpose): void {
  const t = strings().signIn;
  ctx.setTitle(purpose?.title() ?? t.title);
  ctx.setUser(null);

  const card = h('div', { class: 'auth-card' });
  root.replaceChildren(h('div', { class: 'auth-page' }, card));

  let rememberedUsername = handoff.resume?.username ?? '';

  function showCredentials(notice: SignInNotice | null, focus: boolean): void {
    const errorId = uid('signin-error');
    const username = field(
      t.username,
      { name: 'username', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true },
      errorId,
    );
    const password = field(
      t.password,
      { name: 'password', type: 'password', autocomplete: 'current-password', required: true },
      errorId,
    );
    username.input.value = rememberedUsername;
    const error = h('p', { id: errorId, class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t.submit);
    const titleId = uid('signin-title');
    const heading = h('h1', { id: titleId, class: 'auth-title', tabindex: '-1' }, purpose?.title() ?? t.title);
    const form = h(
      'form',
      { novalidate: true, 'aria-labelledby': titleId },
      username.wrapper,
      password.wrapper,
      error,
      submit,
    );
    fill(
      card,
      h('div', { class: 'auth-mark' }, icon('shield', 'icon icon-lg')),
      heading,
      h('p', { class: 'auth-intro' }, purpose?.intro() ?? t.intro(ctx.tenant.name)),
      notice ? h('p', { class: 'notice notice-info', role: 'status' }, t[notice]) : null,
      form,
      purpose ? h('div', { class: 'auth-links' }, purpose.links()) : null,
    );
    ctx.keepForRedraw(() => ({ resume: { username: username.input.value }, ...(notice ? { flash: notice } : {}) }));

    const fail = (message: string, target: HTMLInputElement): void => {
      error.textContent = message;
      for (const f of [username, password]) f.input.setAttribute('aria-invalid', 'true');
      target.focus();
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      const name = username.input.value.trim();
      const secret = password.input.value;
      if (name === '' || secret === '') {
        fail(t.usernameRequired, name === '' ? username.input : password.input);
        return;
      }
      error.textContent = '';
      rememberedUsername = name;
      void withBusy(submit, () =>
        settle(ctx, ctx.api.login(name, secret), {
          done: (result) => {
            password.input.value = '';
            // mfa_setup_required: the account page offers only the authenticator set-up.
            if (result.status !== 'mfa_required') signedIn(null);
            else showSecondFactor(result.flow, result.methods, result.methods[0] ?? 'totp');
          },
          failed: (err) => {
            password.input.value = '';
            fail(describeError(err, { locked: passwordLocked(err) }), password.input);
          },
        }),
      );
    });

    if (focus) (rememberedUsername ? password.input : username.input).focus();
  }

  function showSecondFactor(flow: string, methods: MfaMethod[], method: MfaMethod, focus = true): void {
    const errorId = uid('mfa-error');
    const isTotp = method === 'totp';
    const code = isTotp
      ? field(
          t.totpLabel,
          TOTP_INPUT,
          errorId,
          t.totpHint,
        )
      : field(
          t.backupLabel,
          {
            name: 'backup_code',
            type: 'text',
            autocomplete: 'off',
            autocapitalize: 'characters',
            spellcheck: 'false',
            required: true,
            class: 'input-code',
          },
          errorId,
          t.backupHint,
        );
    const error = h('p', { id: errorId, class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t.verify);
    const other: MfaMethod = isTotp ? 'backup_code' : 'totp';
    const switchMethod = methods.includes(other)
      ? h('button', { type: 'button', class: 'btn-link' }, isTotp ? t.useBackupCode : t.useTotp)
      : null;
    const startOver = h('button', { type: 'button', class: 'btn-link' }, t.startOver);
    const titleId = uid('mfa-title');
    const form = h('form', { novalidate: true, 'aria-labelledby': titleId }, code.wrapper, error, submit);

    card.replaceChildren(
      h('div', { class: 'auth-mark' }, icon(isTotp ? 'shield' : 'key', 'icon icon-lg')),
      h('h1', { id: titleId, class: 'auth-title', tabindex: '-1' }, t.mfaTitle),
      h('p', { class: 'auth-intro' }, isTotp ? t.totpIntro : t.backupIntro),
      form,
      h('div', { class: 'auth-links' }, switchMethod, startOver, purpose?.links()),
    );

    switchMethod?.addEventListener('click', () => showSecondFactor(flow, methods, other));
    startOver.addEventListener('click', () => showCredentials(null, true));
    ctx.keepForRedraw(() => ({ resume: { username: rememberedUsername, secondFactor: { flow, methods, method } } }));

    const fail = (message: string): void => {
      error.textContent = message;
      code.input.setAttribute('aria-invalid', 'true');
      code.input.focus();
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      const raw = code.input.value;
      if (isTotp ? !isValidTotp(raw) : !isPlausibleBackupCode(raw)) {
        fail(isTotp ? t.totpInvalidFormat : t.backupInvalidFormat);
        return;
      }
      error.textContent = '';
      const value = isTotp ? normaliseTotp(raw) : normaliseBackupCode(raw);
      void withBusy(submit, () =>
        settle(ctx, ctx.api.mfa(flow, method, value), {
          done: (result) => {
            code.input.value = '';
            signedIn(method === 'backup_code' ? result.backupCodesRemaining : null);
          },
          failed: (err) => {
            code.input.value = '';
            if (err instanceof ApiError && err.code === 'flow_expired') showCredentials('flowExpired', true);
            else fail(describeError(err, { invalid_code: isTotp ? t.invalidTotp : t.invalidBackupCode }));
          },
        }),
      );
    });

    if (focus) code.input.focus();
  }

  /** Where a redraw in another language found the sign-in: the same step again, focus left alone. */
  function resume(progress: SignInProgress, notice: SignInNotice | null): void {
    const step = progress.secondFactor;
    if (step) showSecondFactor(step.flow, step.methods, step.method, false);
    else showCredentials(notice, false);
  }

  /** To the account page; after a backup code, it says how many are left. */
  function signedIn(backupCodesRemaining: number | null): void {
    if (purpose) {
      purpose.signedIn();
      return;
    }
    ctx.go('account', backupCodesRemaining === null ? {} : { notice: { backupCodesRemaining } });
  }

  if (handoff.resume) {
    resume(handoff.resume, handoff.flash ?? null);
    return;
  }
  if (handoff.flash !== undefined) {
    showCredentials(handoff.flash, true);
    return;
  }
  if (purpose) {
    // The application's page (views/authorize.ts) has found nobody signed in already.
    showCredentials(null, false);
    return;
  }
  // Already signed in? Go straight to the account page.
  card.replaceChildren(h('p', { class: 'loading', role: 'status' }, strings().app.loading));
  void loader(ctx, {
    read: () => ctx.api.me(),
    show: () => ctx.go('account', { replace: true }),
    unauthenticated: () => showCredentials(ctx.sessionHint.take() ? 'sessionEnded' : null, ctx.focusOnRender),
    failed: () => showCredentials(null, ctx.focusOnRender),
    busy: (busy) => markBusy(card, busy),
  }).reload();
}
