// GraphBLAS.h from Debian's libgraphblas-dev (SuiteSparse:GraphBLAS 7.4).
// Its C11 _Generic macros do not import into Swift; the typed functions do.
#include <GraphBLAS.h>
