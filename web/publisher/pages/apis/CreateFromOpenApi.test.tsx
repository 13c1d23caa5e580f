import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderPage, testSession } from '@shared/test/render';
import { CreateApiPage } from './CreateApiPage';
import { problemsOf } from './CreateFromOpenApi';

afterEach(() => vi.unstubAllGlobals());

const tiers = { count: 1, list: [{ name: 'Unlimited', displayName: 'Unlimited', requestCount: 0 }] };

describe('Create an API from an OpenAPI definition', () => {
  it(
    'lists the definition problems with their locations, then imports a valid one',
    { timeout: 40_000 },
    async () => {
      const imports: FormData[] = [];
      mockFetch((_method, url, body) => {
        if (url.includes('/throttling-policies/subscription')) return { body: tiers };
        if (url.endsWith('/apis/validate-openapi')) {
          const file = (body as FormData).get('file') as File;
          return file.name === 'bad.json'
            ? {
                body: {
                  isValid: false,
                  errors: [
                    {
                      code: '400',
                      message: "'version' is required",
                      description: "/info: 'version' is required",
                      location: '/info',
                    },
                    {
                      code: '400',
                      message: "path 'pets' must start with '/'",
                      location: '/paths/pets',
                      line: 4,
                    },
                  ],
                },
              }
            : {
                body: {
                  isValid: true,
                  errors: [],
                  info: {
                    name: 'Pets',
                    version: '1.0.0',
                    context: '/pets',
                    openAPIVersion: '3.0.3',
                    endpoints: ['http://backend:8080'],
                    operationCount: 2,
                  },
                },
              };
        }
        if (url.endsWith('/apis/import-openapi')) {
          imports.push(body as FormData);
          return {
            status: 400,
            body: {
              code: 400,
              message: 'Bad Request',
              description:
                "Invalid OpenAPI definition: /paths/~1pets/get: 'responses' is required; /info (line 2): 'title' is required",
            },
          };
        }
        return { status: 404, body: {} };
      });
      const { container } = renderPage(<CreateApiPage />, {
        path: '/apis/create/openapi',
        route: '/apis/create/:kind?',
        session: testSession({ scopes: ['apim:api_view', 'apim:api_create'] }),
      });
      const user = userEvent.setup();
      const input = () => container.querySelector('input[type=file]') as HTMLInputElement;

      await user.upload(input(), new File(['{}'], 'bad.json', { type: 'application/json' }));
      const problems = (await screen.findByText('The definition has 2 problem(s)')).closest(
        '[role=alert]',
      ) as HTMLElement;
      const rows = within(problems).getAllByRole('row');
      expect(rows[1]).toHaveTextContent("/info'version' is required");
      expect(rows[2]).toHaveTextContent("/paths/pets4path 'pets' must start with '/'");
      expect(screen.queryByRole('button', { name: 'Import' })).not.toBeInTheDocument();

      await user.upload(input(), new File(['{}'], 'good.json', { type: 'application/json' }));
      expect(await screen.findByText('The definition is valid')).toBeInTheDocument();
      expect(screen.getByLabelText(/^Name/)).toHaveValue('Pets');
      expect(screen.getByLabelText(/^Context/)).toHaveValue('/pets');
      expect(screen.getByLabelText(/^Endpoint URL/)).toHaveValue('http://backend:8080');

      await user.click(screen.getByRole('button', { name: 'Import' }));
      const refused = (
        await screen.findByText('The server refused the definition', {}, { timeout: 5000 })
      ).closest('[role=alert]') as HTMLElement;
      expect(
        within(refused)
          .getAllByRole('listitem')
          .map((li) => li.textContent),
      ).toEqual(["/paths/~1pets/get: 'responses' is required", "/info (line 2): 'title' is required"]);
      await waitFor(() => expect(imports).toHaveLength(1));
      expect(imports[0].get('file')).toBeInstanceOf(File);
      expect(JSON.parse(String(imports[0].get('additionalProperties')))).toMatchObject({
        name: 'Pets',
        context: '/pets',
        version: '1.0.0',
        policies: ['Unlimited'],
      });
    },
  );

  it('splits the import refusal into its problems', () => {
    expect(problemsOf('Invalid OpenAPI definition: a: x; b: y')).toEqual(['a: x', 'b: y']);
    expect(problemsOf("'name' is required")).toEqual([]);
  });
});
