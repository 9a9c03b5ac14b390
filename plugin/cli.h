/* tshark -z 4o6top,MODE[,option=value...][,FILTER] */
#ifndef FOT_CLI_H
#define FOT_CLI_H

void fot_cli_register(void);

#endif
