#!/bin/sh
# Nightly backup: PostgreSQL (custom format) and media. Run as sidan from cron/systemd timer.
#   deploy/backup.sh /var/backups/sidan
set -eu
. /etc/sidan/sidan.env
dest=${1:-/var/backups/sidan}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$dest/sidan-$stamp.dump"
if [ -n "${SIDAN_S3_BUCKET:-}" ]; then
    # Shared storage: versioning on the bucket is the media backup; list what exists.
    echo "media: S3 bucket $SIDAN_S3_BUCKET (enable bucket versioning / cross-region copy)"
else
    tar -C "$SIDAN_MEDIA_ROOT" -czf "$dest/media-$stamp.tar.gz" .
fi
find "$dest" -name 'sidan-*.dump' -mtime +30 -delete
find "$dest" -name 'media-*.tar.gz' -mtime +30 -delete
echo "backup written: $dest/sidan-$stamp.dump"
