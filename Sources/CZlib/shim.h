// zlib (Debian's zlib1g-dev), for gzipped IDX files.
#include <zlib.h>
