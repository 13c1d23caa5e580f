// An API's thumbnail: the image needs the bearer token, so it is fetched as a blob and shown through
// an object URL; without one (or while it loads) an avatar with the API's initials.
import { useEffect, useMemo } from 'react';
import { Avatar, type MantineSize } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, PUBLISHER } from '@shared/api/client';

export function thumbnailKey(apiId: string) {
  return ['publisher', 'thumbnail', apiId] as const;
}

export function useThumbnailUrl(apiId: string, enabled = true): string | null {
  const query = useQuery({
    queryKey: thumbnailKey(apiId),
    queryFn: ({ signal }) => api<Blob>(`${PUBLISHER}/apis/${apiId}/thumbnail`, { as: 'blob', signal }),
    enabled,
    retry: false,
    staleTime: 5 * 60_000,
  });
  const blob = query.isSuccess ? query.data : null;
  const url = useMemo(
    () =>
      blob && blob.size > 0 && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(blob) : null,
    [blob],
  );
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  return url;
}

export function ApiThumbnail({
  apiId,
  name,
  hasThumbnail,
  size = 'lg',
}: {
  apiId: string;
  name: string;
  /** false when the server says there is none (no request then); undefined asks. */
  hasThumbnail?: boolean;
  size?: MantineSize | number;
}) {
  const url = useThumbnailUrl(apiId, hasThumbnail !== false);
  return <Avatar src={url} name={name} color="initials" radius="md" size={size} alt="" aria-hidden />;
}
