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

// A short tone when new cases arrive, where the handler switched it on (kept in this browser). Counted in
// window.twinBeeps, so that a test can tell it sounded without a speaker.
window.twinSoundOn = (on) => {
  if (on === true || on === false) localStorage.setItem('twin.sound', on ? '1' : '0');
  return localStorage.getItem('twin.sound') === '1';
};
window.twinBeep = () => {
  window.twinBeeps = (window.twinBeeps ?? 0) + 1;
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.15, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch {
    // No sound here (no audio device, or the browser wants a gesture first): the count in the title still says it.
  }
};

// The map starts as soon as the page is parsed, from what the server wrote into its element, instead of after Blazor's
// circuit connects; the map component adopts it then (mapview.js: start, create). The element names the module's
// address, the one the component imports, so that both share one module.
{
  const map = document.querySelector('.map[data-early-start]');
  if (map?.dataset.module) {
    performance.mark('twin:module-asked');
    import(new URL(map.dataset.module, document.baseURI).href).then((m) => m.start(map));
  }
}
