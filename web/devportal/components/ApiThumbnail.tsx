// An API's picture: its thumbnail when it has one (fetched with the user's token when signed in),
// its initials otherwise.
import { useEffect, useRef } from 'react';
import { Avatar, Box } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, DEVPORTAL } from '@shared/api/client';
import { keys } from '../api/queries';
import type { ApiInfo } from '../api/types';

function initials(name: string): string {
  const words = name.split(/[\s_-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words[1]?.[0] ?? words[0]?.[1] ?? '')).toUpperCase() || '?';
}

/** An image of `blob` through an object URL, revoked when the blob changes or the image goes away. */
function BlobImage({ blob, size }: { blob: Blob; size: number }) {
  const img = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const u = URL.createObjectURL(blob);
    if (img.current) img.current.src = u;
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return (
    <Box
      component="img"
      ref={img}
      alt=""
      w={size}
      h={size}
      style={{ objectFit: 'cover', borderRadius: 'var(--mantine-radius-md)', flex: 'none' }}
    />
  );
}

export function ApiThumbnail({
  api: a,
  size = 56,
}: {
  api: Pick<ApiInfo, 'id' | 'name' | 'hasThumbnail'>;
  size?: number;
}) {
  const thumb = useQuery({
    queryKey: keys.thumbnail(a.id),
    queryFn: ({ signal }) =>
      api<Blob>(`${DEVPORTAL}/apis/${encodeURIComponent(a.id)}/thumbnail`, { signal, as: 'blob' }),
    enabled: a.hasThumbnail === true,
    staleTime: 300_000,
  });
  if (thumb.data) return <BlobImage blob={thumb.data} size={size} />;
  return (
    <Avatar alt="" size={size} radius="md" color="initials" name={a.name}>
      {initials(a.name)}
    </Avatar>
  );
}
