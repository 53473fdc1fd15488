/** The OS seam: named-pipe operations in the Win32 vocabulary, one implementation per OS. */
package dev.pipelab.api.os;
