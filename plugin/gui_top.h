/* Statistics > 4o6top: the sum view in a Wireshark text window,
 * redrawn at the statistics update interval while capturing. */
#ifndef FOT_GUI_TOP_H
#define FOT_GUI_TOP_H

void fot_gui_top_register(void);

#endif
