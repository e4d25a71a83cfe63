"""The portal: publishing packages to CKAN and downloading them back.

`client` is the only module of stoke-opendata that speaks HTTP (ckanapi, retries, timeouts);
`publishing` plans and applies a publication; `download` fetches a dataset and proves it intact.

May import: `package`, `validate`, `safety`, `catalogue`, `errors`, `settings`.
"""
