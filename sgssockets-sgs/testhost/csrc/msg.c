/* The test host's sgs_Msg: formats the variadic message, then hands the text to Rust.
 * (Rust cannot define C-variadic functions on stable.) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void sgs_testhost_message(void* ctx, int type, const char* text);

int sgs_Msg(void* ctx, int type, const char* fmt, ...)
{
	char small[512];
	char* text = small;
	int len;
	va_list args;

	va_start(args, fmt);
	len = vsnprintf(small, sizeof(small), fmt, args);
	va_end(args);
	if (len < 0)
		return 0;
	if ((size_t)len >= sizeof(small)) {
		text = (char*)malloc((size_t)len + 1);
		if (!text)
			return 0;
		va_start(args, fmt);
		vsnprintf(text, (size_t)len + 1, fmt, args);
		va_end(args);
	}
	sgs_testhost_message(ctx, type, text);
	if (text != small)
		free(text);
	return 0;
}
