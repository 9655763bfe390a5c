import { splitLinks } from '../links.ts';

/**
 * Text from a provider with its web addresses (error pages, documentation) as links. They open in
 * a new tab without access to the console's window and without telling the provider where from.
 */
export function LinkedText(props: { text: string }) {
  return (
    <>
      {splitLinks(props.text).map((part, index) =>
        'url' in part ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, in order.
          <a key={index} href={part.url} target="_blank" rel="noopener noreferrer">
            {part.url}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above.
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}
