" `.seip` files are seip recipes.
autocmd BufRead,BufNewFile *.seip setfiletype seip
