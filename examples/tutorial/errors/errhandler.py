# "Your Own 404 Handler" from the tutorial. Its printed text lost three lines, restored here
# as the original mod_python documentation has them: the `return` of HTTP_NOT_FOUND, the
# `else:` and the final write + `return OK`.
#
#   /errors/apache-error.html   the server renders its own 404 page
#   /errors/handler-error.html  this handler's own 404 page (status set, then OK)
#   /errors/real.html           an existing file, sent by the handler
from mod_python import apache

def handler(req):
   if req.filename[-17:] == 'apache-error.html':
      #  make Apache report an error and render the error page
      return(apache.HTTP_NOT_FOUND)
   if req.filename[-18:] == 'handler-error.html':
      #  use our own error page
      req.status = apache.HTTP_NOT_FOUND
      pagebuffer = 'Page not here.  Page left, not know where gone.'
   else:
      #  use the contents of a file
      pagebuffer = open(req.filename, 'r').read()

   #  fall through from the latter two above
   req.write(pagebuffer)
   return(apache.OK)
