/**
 * A search box that applies on Enter or after a short pause, not on every keystroke (each search
 * is a server query).
 */
import { SearchBox as FluentSearchBox } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';

/**
 * @example
 * <SearchBox label="Search users" placeholder="Starts with…" value={q} onSearch={setQ} />
 */
export function SearchBox({ value, onSearch, label, placeholder }: { value: string; onSearch: (value: string) => void; label: string; placeholder: string }) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => setText(value), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const apply = (v: string) => {
    clearTimeout(timer.current);
    if (v.trim() !== value) onSearch(v.trim());
  };
  return (
    <FluentSearchBox
      aria-label={label}
      placeholder={placeholder}
      value={text}
      style={{ minWidth: 'min(320px, 100%)' }}
      onChange={(_, d) => {
        setText(d.value);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => apply(d.value), 400);
      }}
      onKeyDown={(e) => e.key === 'Enter' && apply(text)}
    />
  );
}
