// OpenBLAS's CBLAS interface (Debian's libopenblas-dev installs it as the
// multiarch cblas.h, which also declares openblas_set_num_threads).
#include <cblas.h>
