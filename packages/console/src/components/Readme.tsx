import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

/**
 * The connector's README. react-markdown builds React elements from the Markdown syntax tree and
 * drops raw HTML (no rehype-raw), so a README cannot inject markup or scripts; links open in a new
 * tab without access to this window. GitHub-flavoured Markdown (remark-gfm) because the connectors'
 * READMEs use tables for their fields and error codes.
 */
export function Readme(props: { markdown: string }) {
  return (
    <div className="readme">
      <Markdown
        skipHtml
        remarkPlugins={[remarkGfm]}
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {children}
            </a>
          ),
          // Images in READMEs would be fetched from elsewhere; the console loads nothing remote.
          img: ({ alt }) => <span className="readme-image">[image: {alt}]</span>,
        }}
      >
        {props.markdown}
      </Markdown>
    </div>
  );
}
