// The API's image on the portals: preview, and upload (PUT /apis/{apiId}/thumbnail, multipart `file`).
import { useEffect, useMemo, useState } from 'react';
import { Button, FileInput, Group, Image, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconPhoto } from '@tabler/icons-react';
import { api as call, PUBLISHER } from '@shared/api/client';
import { notifySuccess } from '@shared/components/forms';
import type { ApiDetail } from '../../api/types';
import { ApiThumbnail, thumbnailKey } from '../../components/ApiThumbnail';
import { keys } from './queries';

const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'];
const MAX = 1024 * 1024;

export function checkImage(file: File | null): string | null {
  if (!file) return 'Choose an image';
  if (file.type && !TYPES.includes(file.type)) return 'The image must be PNG, JPEG, GIF, WebP or SVG';
  if (file.size > MAX) return 'The image must be at most 1 MiB';
  return null;
}

export function ThumbnailTab({ api }: { api: ApiDetail }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const client = useQueryClient();
  // The chosen image, shown before it is uploaded.
  const preview = useMemo(
    () =>
      file && !checkImage(file) && typeof URL.createObjectURL === 'function'
        ? URL.createObjectURL(file)
        : null,
    [file],
  );
  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview);
    },
    [preview],
  );
  const upload = useMutation({
    mutationFn: (f: File) => {
      const data = new FormData();
      data.append('file', f);
      return call(`${PUBLISHER}/apis/${api.id}/thumbnail`, { method: 'PUT', body: data });
    },
    onSuccess: () => {
      setFile(null);
      void client.invalidateQueries({ queryKey: thumbnailKey(api.id) });
      void client.invalidateQueries({ queryKey: keys.api(api.id) });
      void client.invalidateQueries({ queryKey: keys.apis });
      notifySuccess('Thumbnail uploaded');
    },
    onError: (e) => setError(e.message),
  });
  return (
    <Stack maw={560}>
      <Group>
        <ApiThumbnail apiId={api.id} name={api.name} hasThumbnail={api.hasThumbnail} size={120} />
        <Text size="sm" c="dimmed">
          {api.hasThumbnail ? 'The current thumbnail.' : 'No thumbnail yet: the portals show the initials.'}
        </Text>
      </Group>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const problem = checkImage(file);
          setError(problem);
          if (!problem && file) upload.mutate(file);
        }}
      >
        <Stack>
          <FileInput
            label="New thumbnail"
            description="PNG, JPEG, GIF, WebP or SVG, at most 1 MiB"
            accept={TYPES.join(',')}
            leftSection={<IconPhoto size={16} />}
            clearable
            clearButtonProps={{ 'aria-label': 'Remove the image' }}
            value={file}
            error={error}
            onChange={(f) => {
              setFile(f);
              setError(f ? checkImage(f) : null);
            }}
          />
          {preview && (
            <Group>
              <Image src={preview} alt="The new thumbnail" w={120} h={120} fit="contain" radius="md" />
              <Text size="sm" c="dimmed">
                The new thumbnail, once uploaded.
              </Text>
            </Group>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={upload.isPending} disabled={!file}>
              Upload
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
