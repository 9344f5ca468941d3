// What every page needs from the browser and Blazor cannot do itself: the document's language follows the person's
// choice (screen readers and hyphenation read <html lang>), and the choice is kept for the next page shell.
window.twinSetLanguage = (lang) => {
  document.documentElement.lang = lang;
  document.cookie = `twin.lang=${encodeURIComponent(lang)}; path=/; max-age=31536000; samesite=lax`;
};

// The desk's keyboard: single keys act on the inbox and the selected case (the help overlay lists them), never while
// the handler types in a field. The page decides what a key does; this only hands it over.
const shortcutKeys = new Set(['j', 'k', 't', 'f', 'n', '/', '?', 'Escape']);
window.twinShortcuts = (page) => {
  const typing = (el) => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
  const onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !shortcutKeys.has(e.key)) return;
    if (typing(e.target) && e.key !== 'Escape') return;
    e.preventDefault();
    page.invokeMethodAsync('Shortcut', e.key);
  };
  document.addEventListener('keydown', onKey);
  return { dispose: () => document.removeEventListener('keydown', onKey) };
};

// Focus (or click) an element by selector, opening the <details> it is folded in and scrolling it into view; false
// when there is none (the case box offers no such action now).
const reveal = (selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const folded = el.closest('details');
  if (folded) folded.open = true;
  el.scrollIntoView({ block: 'nearest' });
  return el;
};
window.twinFocus = (selector) => { const el = reveal(selector); if (el) el.focus(); return el !== null; };
window.twinClick = (selector) => { const el = reveal(selector); if (el && !el.disabled) el.click(); return el !== null; };
