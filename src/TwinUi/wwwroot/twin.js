// What every page needs from the browser and Blazor cannot do itself: the document's language follows the person's
// choice (screen readers and hyphenation read <html lang>), and the choice is kept for the next page shell.
window.twinSetLanguage = (lang) => {
  document.documentElement.lang = lang;
  document.cookie = `twin.lang=${encodeURIComponent(lang)}; path=/; max-age=31536000; samesite=lax`;
};
